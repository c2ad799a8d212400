"""Cache backends: Django's file cache with an `add` that only one caller can win."""

import os
import tempfile

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache


class FileCache(FileBasedCache):
    """The embedded default's cache, shared by the server and the commands beside it.

    Django's `add` checks and then writes, so two processes can both succeed; here
    the new entry is hard-linked into place, which fails for all but the first, so a
    lock taken with `add` (the stats refresh) is held by one caller at a time.
    """

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        if self.has_key(key, version):  # also removes an entry that has expired
            return False
        self._createdir()
        fd, tmp_path = tempfile.mkstemp(dir=self._dir)
        try:
            with open(fd, "wb") as handle:
                self._write_content(handle, timeout, value)
            os.link(tmp_path, self._key_to_file(key, version))
        except FileExistsError:
            return False
        finally:
            os.remove(tmp_path)
        return True
