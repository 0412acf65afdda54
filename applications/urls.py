from django.urls import path

from . import direct_views, inbox_views, rating_views, subscription_views, views

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
    path("applications/<int:pk>/letters/<int:event_id>/", views.letter_download, name="letter"),
    path("applications/<int:pk>/rate/", rating_views.application_rate, name="rate"),
    path("notifications/", inbox_views.inbox, name="inbox"),
    path("notifications/settings/", inbox_views.notice_settings, name="notice_settings"),
    path("notifications/read-all/", inbox_views.notices_read_all, name="notices_read_all"),
    path("notifications/<int:notice_id>/", inbox_views.notice_detail, name="notice"),
    path("notifications/<int:notice_id>/read/", inbox_views.notice_read, name="notice_read"),
    path("subscriptions/", subscription_views.subscriptions, name="subscriptions"),
    path("subscriptions/unsubscribe/<str:token>/", subscription_views.unsubscribe, name="unsubscribe"),
    path("mianshen/", direct_views.direct_offers, name="direct_offers"),
    path("mianshen/<int:pk>/", direct_views.direct_offer, name="direct_offer"),
    path("mianshen/<int:pk>/decline/", direct_views.direct_decline, name="direct_decline"),
    path("gongshi/", views.publicity_list, name="publicity"),
    path("gongshi/<str:reference>/objection/", views.publicity_objection, name="objection"),
]
