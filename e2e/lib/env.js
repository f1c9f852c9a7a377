'use strict';
/**
 * One n8n "instance" of the run: a throw-away user folder with the packed package installed the
 * way n8n installs a community package, an N8n driver bound to it (and to the Node its n8n
 * version runs on), and the two credentials (the fake Segmind, the SMTP sink) imported. Each part
 * of the suite gets its own, so parts can run alone and never see each other's executions.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const { N8N_VERSION, ensureN8n, installIntoUserFolder } = require('./setup');
const { N8n } = require('./n8n');
const { freePort } = require('./proc');

const CREDENTIALS = {
	segmind: { id: 'e2eSegmindCred01', name: 'Segmind (fake)', type: 'segmindApi' },
	smtp: { id: 'e2eSmtpSinkCred01', name: 'SMTP sink', type: 'smtp' },
};

/** The installs of n8n (and Node) this run uses, each made once. */
const installs = new Map();
function n8nInstall(version) {
	if (!installs.has(version)) installs.set(version, ensureN8n(version));
	return installs.get(version);
}

/**
 * @param {object} shared  { tmp, pack, fake, smtp }
 * @param {object} o       { label (folder name), version (n8n), extraEnv, importCredentials
 *                          (false: none, for the browser part, where the user creates them) }
 */
async function prepareN8n(
	shared,
	{ label, version = N8N_VERSION, extraEnv = {}, importCredentials = true },
) {
	const started = Date.now();
	const install = await n8nInstall(version);
	const installMs = Date.now() - started;
	const workDir = path.join(shared.tmp, label);
	const userFolder = path.join(workDir, 'user');
	fs.mkdirSync(workDir, { recursive: true });
	const prepared = Date.now();
	const packageDir = await installIntoUserFolder(shared.pack, userFolder);
	const { fake, smtp } = shared;
	const n8n = new N8n({
		bin: install.bin,
		version,
		node: install.nodeCmd,
		baseEnv: install.env,
		userFolder,
		encryptionKey: crypto.randomBytes(24).toString('hex'),
		brokerPort: await freePort(),
		fileAccess: [path.join(userFolder, '.n8n-files'), shared.diskFolder],
		workDir,
		extraEnv: { ...install.n8nEnv, ...extraEnv },
	});
	if (importCredentials)
		await n8n.importCredentials([
			{ ...CREDENTIALS.segmind, data: { apiKey: fake.apiKey, baseUrl: fake.baseUrl } },
			{
				...CREDENTIALS.smtp,
				data: {
					user: '',
					password: '',
					host: smtp.host,
					port: smtp.port,
					secure: false,
					disableStartTls: true,
					hostName: '',
				},
			},
		]);
	return {
		n8n,
		install,
		installMs,
		userFolder,
		workDir,
		packageDir,
		credentials: CREDENTIALS,
		prepareMs: Date.now() - prepared,
	};
}

/** The node's own messages, from the copy of the package n8n loads (dist/…/constants.js). */
const messagesOf = (packageDir) =>
	require(path.join(packageDir, 'dist', 'nodes', 'FluxArtGenerator', 'constants.js')).MESSAGES;

/** The versions of n8n and its core packages in an install, as one line. */
function versionsOf(install) {
	return ['n8n', 'n8n-core', 'n8n-workflow', 'n8n-nodes-base']
		.map((name) => {
			try {
				const file = path.join(install.dir, 'node_modules', name, 'package.json');
				return `${name} ${JSON.parse(fs.readFileSync(file, 'utf8')).version}`;
			} catch {
				return `${name} ?`;
			}
		})
		.join(', ');
}

module.exports = { prepareN8n, versionsOf, messagesOf };
