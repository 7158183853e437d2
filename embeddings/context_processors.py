from django.conf import settings


def active_model(request) -> dict:
    return {"embeddings_model_name": settings.EMBEDDINGS_MODEL}
