// The package's classes, for code that requires the package itself (scripts, tests). n8n does not
// use this file: it loads the built files listed in package.json's "n8n" field. The build copies
// it into dist/ as the package's "main", so it resolves the built files from either place.
const path = require('path');

const dist = path.basename(__dirname) === 'dist' ? __dirname : path.join(__dirname, 'dist');
const { FluxArtGenerator } = require(path.join(dist, 'nodes/FluxArtGenerator/FluxArtGenerator.node'));
const { SegmindApi } = require(path.join(dist, 'credentials/SegmindApi.credentials'));

module.exports = { nodes: { FluxArtGenerator }, credentials: { SegmindApi } };
