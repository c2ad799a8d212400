"""Token authentication that remembers token → user in the cache while no user changes."""

from rest_framework.authentication import TokenAuthentication

from users import cache as users_cache


class CachedTokenAuthentication(TokenAuthentication):
    """DRF's token authentication: a request with a token seen since the last write to
    users costs no query (one cache round trip, which also fetches the data version).

    Deactivating or deleting a user and setting a password are writes, so the next
    request looks the token up again and is refused; a token deleted by itself (the
    admin's token page) is forgotten at once.
    """

    def authenticate(self, request):
        self.request = request
        return super().authenticate(request)

    def authenticate_credentials(self, key):
        if len(key) != users_cache.TOKEN_KEY_LENGTH:
            return super().authenticate_credentials(key)
        token = users_cache.token_of(self.request, key)
        if token is None:
            _user, token = super().authenticate_credentials(key)
            users_cache.remember_token(self.request, token)
        return token.user, token
