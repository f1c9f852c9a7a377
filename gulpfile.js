// tsc compiles only TypeScript: copy the icons next to the compiled nodes and credentials, where
// n8n resolves `file:` icons.
const { src, dest } = require('gulp');

function buildIcons() {
	// encoding: false keeps binary icons (PNG) byte-exact under gulp 5.
	return src(['nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist'));
}

exports['build:icons'] = buildIcons;
