from django.urls import path

from . import views

app_name = "applications"

urlpatterns = [
    path("applications/", views.application_list, name="list"),
    path("applications/sanctions/", views.sanctions, name="sanctions"),
    path("applications/new/<int:measure_id>/", views.application_start, name="start"),
    path("applications/<int:pk>/", views.application_detail, name="detail"),
    path("applications/<int:pk>/edit/", views.application_edit, name="edit"),
    path("applications/<int:pk>/confirm/", views.application_confirm, name="confirm"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="withdraw"),
    path("applications/<int:pk>/attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path(
        "applications/<int:pk>/attachments/<int:attachment_id>/remove/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path("gongshi/", views.publicity_list, name="publicity"),
    path("gongshi/<str:reference>/objection/", views.publicity_objection, name="objection"),
]
