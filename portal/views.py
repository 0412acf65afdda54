"""The portal's own views: the health check and the site's icon."""

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@require_safe
@never_cache
def healthz(request):
    """Answer 200 "ok" while the web process serves requests.

    It reads neither the database nor the cache, so a load balancer may probe it often for nothing, and the bench
    (bench/run.py) measures every page against it: the cost of the server and the middleware alone.
    """
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


FAVICON = settings.BASE_DIR / "static" / "favicon.ico"


@require_safe
def favicon(request):
    """Serve the site's icon at /favicon.ico, where browsers ask for it on every page."""
    response = HttpResponse(FAVICON.read_bytes(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response
