/** The app's version, from package.json (inlined by the bundler, read by tsx from source). */
import pkg from '../../package.json'

/** The version string shown in About, the CLI and the capabilities. */
export const APP_VERSION: string = pkg.version
