from django.conf import settings


class PermissionsPolicyMiddleware:
    """Switch off browser features the site never uses, so that nothing it
    serves (or anything injected into it) can ask a reader for them."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.policy)
        return response
