from erdem.portfolio import endorsement_urls, entry_urls

app_name = "portfolio"

urlpatterns = [*entry_urls.urlpatterns, *endorsement_urls.urlpatterns]
