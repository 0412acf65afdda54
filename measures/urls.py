from django.urls import path

from . import match_views, views

app_name = "measures"

urlpatterns = [
    path("", views.home, name="home"),
    path("library/", views.MeasureListView.as_view(), name="library"),
    path("documents/", views.document_list, name="documents"),
    path("documents/<int:pk>/", views.document_detail, name="document"),
    path("measures/<int:pk>/", views.measure_detail, name="measure"),
    path("sources/<str:name>/", views.source_text, name="source"),
    path("matching/", match_views.my_matches, name="matching"),
    path("matching/check/", match_views.public_check, name="match_check"),
]
