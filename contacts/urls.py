from django.urls import path

from . import views

app_name = "contacts"

urlpatterns = [
    path("", views.DirectoryView.as_view(), name="directory"),
    path("departments/<int:pk>/", views.department_detail, name="department"),
]
