from django import forms
from django.conf import settings


class ImportUploadForm(forms.Form):
    file = forms.FileField(help_text="A ZIP with products.csv or products.jsonl and the images it names, or a CSV/JSONL whose image column holds http(s) URLs.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_ARCHIVE_BYTES:
            raise forms.ValidationError(f"The file is {upload.size / 1e6:.1f} MB; the limit is {settings.IMPORT_MAX_ARCHIVE_BYTES / 1e6:.1f} MB.")
        return upload
