// Builds frontend/build/, which Django serves as static files (STATICFILES_DIRS).
// Compiles src/main.scss and copies our script and the third-party files it needs from
// node_modules. Nothing here is committed: the folder is rebuilt from scratch every time.
import { cp, mkdir, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import * as sass from 'sass'

const here = dirname(fileURLToPath(import.meta.url))
const modules = join(here, 'node_modules')
const build = join(here, 'build')
const govuk = join(modules, 'govuk-frontend', 'dist', 'govuk')
const moj = join(modules, '@ministryofjustice', 'frontend', 'moj')

// [from, to] pairs, relative to node_modules and build/.
const copies = [
  [join(govuk, 'govuk-frontend.min.js'), 'vendor/govuk-frontend.min.js'],
  [join(govuk, 'govuk-frontend.min.js.map'), 'vendor/govuk-frontend.min.js.map'],
  [join(moj, 'moj-frontend.min.js'), 'vendor/moj-frontend.min.js'],
  [join(moj, 'moj-frontend.min.js.map'), 'vendor/moj-frontend.min.js.map'],
  // Cytoscape.js draws a line's network (linkage/network.js); a classic script, so no import map.
  [join(modules, 'cytoscape', 'dist', 'cytoscape.min.js'), 'vendor/cytoscape.min.js'],
  // GOV.UK and MOJ images share one folder: MOJ Frontend points GOV.UK's images path at its own.
  [join(govuk, 'assets', 'images'), 'assets/images'],
  [join(moj, 'assets', 'images'), 'assets/images'],
  [join(here, 'src', 'main.mjs'), 'main.mjs']
]

await rm(build, { recursive: true, force: true })
await mkdir(build, { recursive: true })

const css = sass.compile(join(here, 'src', 'main.scss'), {
  loadPaths: [here],
  style: 'compressed',
  // Warnings inside GOV.UK and MOJ Frontend are theirs to fix; ours still show.
  quietDeps: true,
  silenceDeprecations: ['import', 'global-builtin']
})
await writeFile(join(build, 'main.css'), css.css)

for (const [from, to] of copies) {
  await mkdir(dirname(join(build, to)), { recursive: true })
  await cp(from, join(build, to), { recursive: true })
}

console.log(`Built ${build}`)
