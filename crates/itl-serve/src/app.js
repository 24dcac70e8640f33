// Drag-and-drop onto the upload forms; the forms work without it.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form.drop").forEach(function (form) {
    var inputs = form.querySelectorAll("input[type=file]");
    ["dragenter", "dragover"].forEach(function (t) {
      form.addEventListener(t, function (e) { e.preventDefault(); form.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (t) {
      form.addEventListener(t, function (e) { e.preventDefault(); form.classList.remove("over"); });
    });
    form.addEventListener("drop", function (e) {
      var files = e.dataTransfer && e.dataTransfer.files;
      if (!files || !files.length) { return; }
      if (inputs.length === 1) {
        inputs[0].files = files;
        form.submit();
      } else {
        // Two inputs (old, new): fill the first empty one.
        for (var i = 0; i < inputs.length; i++) {
          if (!inputs[i].files.length) {
            var dt = new DataTransfer();
            dt.items.add(files[0]);
            inputs[i].files = dt.files;
            break;
          }
        }
        var all = Array.prototype.every.call(inputs, function (x) { return x.files.length > 0; });
        if (all) { form.submit(); }
      }
    });
  });
});
