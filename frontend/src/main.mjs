// Crossline's one script. Pages work without it; it only enhances GOV.UK and MOJ components.
// Loaded as a module, which old browsers that GOV.UK Frontend does not support will skip.
import { initAll as initGovukFrontend } from './vendor/govuk-frontend.min.js'
import { initAll as initMojFrontend } from './vendor/moj-frontend.min.js'

// The Content Security Policy forbids the inline script GOV.UK's template normally uses to
// set these classes, so they are set here instead.
document.body.classList.add('js-enabled', 'govuk-frontend-supported')

initGovukFrontend()
initMojFrontend()

// Uploading a large return takes a while: show the upload's progress, then that it is being
// checked. Without JavaScript the form posts as usual and the result page follows.
for (const form of document.querySelectorAll('form[data-crossline-upload]')) {
  const status = form.querySelector('[data-crossline-upload-status]')
  form.addEventListener('submit', (event) => {
    if (!status || !window.XMLHttpRequest || !window.FormData) return
    event.preventDefault()
    status.hidden = false
    const request = new XMLHttpRequest()
    request.open('POST', form.action || window.location.href)
    request.upload.addEventListener('progress', (progress) => {
      if (progress.lengthComputable) {
        const percent = Math.round((progress.loaded / progress.total) * 100)
        status.textContent = percent < 100 ? `Uploading your return: ${percent}%` : 'Checking your return…'
      }
    })
    request.addEventListener('load', () => { window.location.assign(request.responseURL) })
    request.addEventListener('error', () => { form.submit() })
    request.send(new FormData(form))
  })
}
