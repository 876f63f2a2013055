from django.urls import path

from . import views

app_name = "consultations"

urlpatterns = [
    path("councils/", views.council_list, name="councils"),
    path("councils/<slug:slug>/", views.council_detail, name="council"),
    path("workshops/<int:pk>/", views.workshop_detail, name="workshop"),
    path("workshops/documents/<int:pk>/", views.workshop_document, name="workshop_document"),
    path("programmes/<int:pk>/document/", views.programme_document, name="programme_document"),
    path("proposals/", views.proposal_list, name="proposals"),
]
