// Crossline's one script. Pages work without it; it only enhances GOV.UK and MOJ components.
// Loaded as a module, which old browsers that GOV.UK Frontend does not support will skip.
import { initAll as initGovukFrontend } from './vendor/govuk-frontend.min.js'
import { initAll as initMojFrontend } from './vendor/moj-frontend.min.js'

// The Content Security Policy forbids the inline script GOV.UK's template normally uses to
// set these classes, so they are set here instead.
document.body.classList.add('js-enabled', 'govuk-frontend-supported')

initGovukFrontend()
initMojFrontend()
