import os
import threading

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
application = get_wsgi_application()

from embeddings.selectors import encoder_get  # noqa: E402

# Importing torch and loading the model takes seconds; doing it while the server starts keeps
# that off the first shopper's search (load() is locked, so an early request just waits).
threading.Thread(target=encoder_get().load, name="encoder-warm-up", daemon=True).start()
