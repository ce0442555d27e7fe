// The version of Cairn, from package.json.
import packageJson from '../../package.json';

/** Cairn's version string. */
export const CAIRN_VERSION: string = packageJson.version;
