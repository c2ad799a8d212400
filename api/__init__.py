"""Generic REST plumbing for every app: pagination, field selection, strict parameters, ETags, errors."""
