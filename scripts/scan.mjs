#!/usr/bin/env node
// npm run scan: n8n's community-package scan (@n8n/scan-community-package), run locally on what
// `npm pack` would publish, before publishing.
//
// What n8n's scanner does for a published version, and what this script does instead:
//   1. Provenance: the registry must hold an npm provenance attestation for the version. That
//      cannot exist before `npm publish --provenance`, so it is NOT checked here. What it needs
//      from the package is checked: package.json's repository.url must name the public GitHub
//      repository the package is published from (npm refuses a provenance publish otherwise,
//      and the scanner fetches the attested source from there).
//   2. Source leg: ESLint over the attested commit's package.json and nodes/, credentials/
//      (the scanner's SOURCE_FILE_PATTERNS). Here: those files from the working tree, the files
//      git would commit (tracked, plus untracked ones not ignored), copied to a temp folder.
//   3. Tarball leg: ESLint over the tarball's compiled *.js and its package.json. Here: the
//      tarball `npm pack` writes, unpacked into the temp folder.
// Both legs use the scanner's own exported config (buildScanConfig) and ESLint options: inline
// config disabled, so an eslint-disable comment hides nothing. One difference, on purpose: the
// scanner fails on errors only; this script fails on any finding, warnings included.
//
// Usage: node scripts/scan.mjs [--no-build] [--keep] [--package-dir DIR]
//   --no-build         do not run `npm run build` first (dist/ is already fresh)
//   --keep             keep the temp folder and print its path
//   --package-dir DIR  scan an already unpacked package in DIR (tarball leg only: no build,
//                      no pack, no source leg)
// Exit code: 0 when there is no finding, 1 on any finding or failure.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { ESLint } from 'eslint';
import {
	buildScanConfig,
	SOURCE_FILE_PATTERNS,
} from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

// The scanner's own dependencies, resolved from the scanner (not from this project).
const scannerRequire = createRequire(
	createRequire(import.meta.url).resolve('@n8n/scan-community-package/scanner/scanner.mjs'),
);
const glob = scannerRequire('fast-glob');
// Importing the scanner makes a temp dir at load time; let tmp remove it at exit.
scannerRequire('tmp').setGracefulCleanup();

function parseOptions(argv) {
	const { values } = parseArgs({
		args: argv,
		options: {
			'no-build': { type: 'boolean', default: false },
			keep: { type: 'boolean', default: false },
			'package-dir': { type: 'string' },
		},
	});
	const packageDir = values['package-dir'];
	return {
		build: !values['no-build'],
		keep: values.keep,
		packageDir: packageDir === undefined ? null : path.resolve(packageDir),
	};
}

function run(cmd, args, options = {}) {
	const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...options });
	if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status})`);
	return r;
}

function pack(dest) {
	const out = execFileSync(npm, ['pack', '--json', '--pack-destination', dest], {
		cwd: root,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const [info] = JSON.parse(out);
	const tarball = path.join(dest, info.filename);
	const dir = path.join(dest, 'package');
	fs.mkdirSync(dir);
	run('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']);
	return { info, tarball, dir };
}

// The files a commit of the working tree would hold, under package.json, nodes/, credentials/.
function copySource(dest) {
	const r = spawnSync(
		'git',
		[
			'ls-files',
			'-z',
			'--cached',
			'--others',
			'--exclude-standard',
			'--',
			'package.json',
			'nodes',
			'credentials',
		],
		{ cwd: root, encoding: 'utf8' },
	);
	let files;
	if (r.status === 0) {
		files = r.stdout.split('\0').filter(Boolean);
	} else {
		files = glob.sync(['package.json', 'nodes/**', 'credentials/**'], { cwd: root, dot: true });
	}
	for (const f of files) {
		const from = path.join(root, f);
		if (!fs.existsSync(from)) continue; // deleted in the working tree, not yet in the index
		fs.mkdirSync(path.dirname(path.join(dest, f)), { recursive: true });
		fs.copyFileSync(from, path.join(dest, f));
	}
	return files.length;
}

// The scanner's analyzePackage, keeping every result (it keeps errors only).
async function lint(dir, patterns, label) {
	const eslint = new ESLint({
		cwd: dir,
		allowInlineConfig: false,
		overrideConfigFile: true,
		overrideConfig: await buildScanConfig(),
	});
	const files = glob.sync(patterns, {
		cwd: dir,
		absolute: true,
		ignore: ['node_modules/**', '**/package-lock.json'],
	});
	const results = files.length ? await eslint.lintFiles(files) : [];
	for (const r of results) r.filePath = `[${label}] ${path.relative(dir, r.filePath)}`;
	return { eslint, files, results };
}

// What a provenance publish and the scanner's source fetch need from package.json.
function provenanceReadiness(pkg) {
	const findings = [];
	const repo = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
	if (!repo) {
		findings.push(
			'package.json has no "repository" field: `npm publish --provenance` refuses a package whose ' +
				"repository.url does not match the GitHub repository it is built in, and n8n's scanner " +
				'fetches the attested source from that repository',
		);
	} else if (!/^(git\+)?https:\/\/github\.com\/[\w.-]+\/[\w.-]+?(\.git)?$/.test(repo)) {
		findings.push(
			`package.json repository.url "${repo}" is not https://github.com/OWNER/REPO(.git): the ` +
				'scanner only fetches provenance-attested source from public GitHub repositories',
		);
	}
	return findings;
}

async function main() {
	const opts = parseOptions(process.argv.slice(2));
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-scan-'));
	let failed = false;
	try {
		let packageDir = opts.packageDir;
		let sourceDir = null;
		if (!packageDir) {
			if (opts.build) run(npm, ['run', 'build']);
			const packed = pack(work);
			packageDir = packed.dir;
			console.log(
				`\nPacked ${packed.info.name}@${packed.info.version}: ${packed.info.entryCount} files, ` +
					`${packed.info.size} bytes`,
			);
			sourceDir = path.join(work, 'source');
			fs.mkdirSync(sourceDir);
			console.log(`Source files (package.json, nodes/, credentials/): ${copySource(sourceDir)}`);
		}

		const pkg = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
		console.log(`\nScanning ${pkg.name}@${pkg.version}`);
		console.log(
			'- provenance attestation: not checked (none exists before `npm publish --provenance`)',
		);

		const readiness = provenanceReadiness(pkg);
		console.log(`- provenance readiness (package.json): ${readiness.length ? 'FAILED' : 'ok'}`);
		for (const f of readiness) console.log(`    ${f}`);

		const legs = [];
		if (sourceDir) legs.push(['source', sourceDir, SOURCE_FILE_PATTERNS]);
		legs.push(['tarball', packageDir, ['**/*.js', 'package.json']]);
		let report = '';
		let errors = 0;
		let warnings = 0;
		for (const [label, dir, patterns] of legs) {
			const { eslint, files, results } = await lint(dir, patterns, label);
			const e = results.reduce((n, r) => n + r.errorCount, 0);
			const w = results.reduce((n, r) => n + r.warningCount, 0);
			errors += e;
			warnings += w;
			console.log(
				`- ${label} leg (${patterns.join(', ')}): ${files.length} files, ${e} errors, ${w} warnings`,
			);
			if (e + w > 0) report += await (await eslint.loadFormatter('stylish')).format(results);
		}
		if (report) console.log(report);

		failed = readiness.length > 0 || errors + warnings > 0;
		console.log(
			failed
				? `❌ ${pkg.name}@${pkg.version}: scan failed (${readiness.length} package.json, ` +
						`${errors} lint errors, ${warnings} lint warnings)`
				: `✅ ${pkg.name}@${pkg.version}: no findings (provenance is checked by n8n after publishing)`,
		);
	} finally {
		if (opts.keep) console.log(`Kept ${work}`);
		else fs.rmSync(work, { recursive: true, force: true });
	}
	return failed ? 1 : 0;
}

main().then(
	(code) => {
		process.exitCode = code;
	},
	(error) => {
		console.error(`❌ scan failed: ${error.message}`);
		process.exitCode = 1;
	},
);
