import os

from django.core.wsgi import get_wsgi_application

from portal import embedded

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
embedded.autostart()
application = get_wsgi_application()
