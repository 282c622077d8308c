import packageJson from '../package.json';

export const GENERATOR = { name: packageJson.name, version: packageJson.version };
