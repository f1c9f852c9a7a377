// The package's built classes, for code in this repository that wants them without n8n (scripts,
// tests). It is not published: n8n loads the files listed in package.json's "n8n" field.
const { FluxArtGenerator } = require('./dist/nodes/FluxArtGenerator/FluxArtGenerator.node');
const { SegmindApi } = require('./dist/credentials/SegmindApi.credentials');

module.exports = { nodes: { FluxArtGenerator }, credentials: { SegmindApi } };
