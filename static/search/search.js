// The search page's behaviour: photo from picker, camera, drag and drop or paste; the weight
// slider; results fetched as an HTML fragment so the form (and its photo) stay in place.
// Without JavaScript the form still posts and the page renders the results itself.
(() => {
  const form = document.getElementById("search-form");
  const results = document.getElementById("results");
  const status = document.getElementById("status");
  const text = document.getElementById("id_text");
  const picker = document.getElementById("id_photo");
  const camera = document.getElementById("id_camera");
  const dropzone = document.getElementById("dropzone");
  const preview = document.getElementById("preview");
  const previewImg = document.getElementById("preview-img");
  const previewName = document.getElementById("preview-name");
  const weightField = document.getElementById("weight-field");
  const weight = document.getElementById("id_weight");
  const weightOutput = document.getElementById("weight-output");
  let previewUrl = null;
  let inFlight = null;

  const hasPhoto = () => picker.files.length > 0;

  function weightFieldUpdate() {
    // The weight only means something when there are both words and a photo.
    weightField.hidden = !(hasPhoto() && text.value.trim());
    weightOutput.value = Number(weight.value).toFixed(2);
  }

  function photoSet(file) {
    // The picker input carries the photo whichever way it arrived, so the form posts it.
    const transfer = new DataTransfer();
    if (file) transfer.items.add(file);
    picker.files = transfer.files;
    camera.value = "";
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    previewUrl = file ? URL.createObjectURL(file) : null;
    preview.hidden = !file;
    previewImg.src = previewUrl || "";
    previewName.textContent = file ? file.name : "";
    weightFieldUpdate();
  }

  async function search(submitter) {
    if (inFlight) inFlight.abort();
    inFlight = new AbortController();
    const body = new FormData(form, submitter);
    results.setAttribute("aria-busy", "true");
    form.classList.add("loading");
    status.textContent = "Searching…";
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body,
        headers: { "X-Lookalike-Fragment": "1" },
        signal: inFlight.signal,
      });
      results.innerHTML = await response.text();
      status.textContent = response.ok ? "Results updated." : "The search could not run; see the message below.";
    } catch (error) {
      if (error.name === "AbortError") return;
      results.innerHTML = '<div id="search-error" class="error" role="alert">Lookalike could not be reached. Check your connection and try again.</div>';
      status.textContent = "";
    } finally {
      results.removeAttribute("aria-busy");
      form.classList.remove("loading");
    }
  }

  const searchIfAsked = () => {
    if (hasPhoto() || text.value.trim()) search(null);
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    search(event.submitter);
  });
  text.addEventListener("input", weightFieldUpdate);
  picker.addEventListener("change", () => {
    photoSet(picker.files[0] || null);
    searchIfAsked();
  });
  camera.addEventListener("change", () => {
    photoSet(camera.files[0] || null);
    searchIfAsked();
  });
  document.getElementById("remove-photo").addEventListener("click", () => {
    photoSet(null);
    picker.focus();
    searchIfAsked();
  });
  weight.addEventListener("input", () => {
    weightOutput.value = Number(weight.value).toFixed(2);
  });
  // Both parts are cached on the server after the first search, so each move costs no model call.
  weight.addEventListener("change", () => search(null));

  for (const name of ["dragenter", "dragover"]) {
    dropzone.addEventListener(name, (event) => {
      event.preventDefault();
      dropzone.classList.add("dragging");
    });
  }
  for (const name of ["dragleave", "drop"]) {
    dropzone.addEventListener(name, () => dropzone.classList.remove("dragging"));
  }
  dropzone.addEventListener("drop", (event) => {
    event.preventDefault();
    const file = event.dataTransfer.files[0];
    if (file) {
      photoSet(file);
      searchIfAsked();
    }
  });
  document.addEventListener("paste", (event) => {
    const file = [...event.clipboardData.files].find((item) => item.type.startsWith("image/"));
    if (file) {
      event.preventDefault();
      photoSet(file);
      searchIfAsked();
    }
  });

  weightFieldUpdate();
})();
