from django.urls import path
from django.views.generic import TemplateView

app_name = "api"
urlpatterns = [path("docs", TemplateView.as_view(template_name="base.html"), name="openapi-view")]
