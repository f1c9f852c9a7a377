import type { Rgb } from './png';

/**
 * A minimal baseline (SOF0) JFIF encoder: YCbCr 4:4:4, one 8x8 block per component per MCU,
 * the standard quantisation and Huffman tables of ITU-T T.81 Annex K. Small and slow (a naive
 * DCT), which is fine for the 32x32 images the fake image host serves.
 */

/** Zig-zag position -> natural (row-major) index in an 8x8 block. */
const ZIGZAG = [
	0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
	13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52,
	45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

/** Annex K.1 quantisation tables, natural order. */
const LUMA_QUANT = [
	16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
	14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113,
	92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
const CHROMA_QUANT = [
	17,
	18,
	24,
	47,
	99,
	99,
	99,
	99,
	18,
	21,
	26,
	66,
	99,
	99,
	99,
	99,
	24,
	26,
	56,
	99,
	99,
	99,
	99,
	99,
	47,
	66,
	99,
	99,
	99,
	99,
	99,
	99,
	...new Array<number>(32).fill(99),
];

interface HuffmanSpec {
	/** Number of codes of each length 1..16. */
	counts: number[];
	symbols: number[];
}

/** Annex K.3 Huffman tables. */
const DC_LUMA: HuffmanSpec = {
	counts: [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0],
	symbols: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
};
const DC_CHROMA: HuffmanSpec = {
	counts: [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0],
	symbols: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
};
const AC_LUMA: HuffmanSpec = {
	counts: [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d],
	symbols: [
		0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07,
		0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08, 0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0,
		0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28,
		0x29, 0x2a, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49,
		0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69,
		0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
		0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
		0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5,
		0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2,
		0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
		0xf9, 0xfa,
	],
};
const AC_CHROMA: HuffmanSpec = {
	counts: [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77],
	symbols: [
		0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71,
		0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xa1, 0xb1, 0xc1, 0x09, 0x23, 0x33, 0x52, 0xf0,
		0x15, 0x62, 0x72, 0xd1, 0x0a, 0x16, 0x24, 0x34, 0xe1, 0x25, 0xf1, 0x17, 0x18, 0x19, 0x1a, 0x26,
		0x27, 0x28, 0x29, 0x2a, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48,
		0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68,
		0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
		0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5,
		0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3,
		0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda,
		0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
		0xf9, 0xfa,
	],
};

interface HuffmanCode {
	code: number;
	length: number;
}

/** Canonical code assignment (T.81 Annex C): symbol -> code. */
function buildCodes(spec: HuffmanSpec): Map<number, HuffmanCode> {
	const codes = new Map<number, HuffmanCode>();
	let code = 0;
	let symbolIndex = 0;
	spec.counts.forEach((count, index) => {
		for (let i = 0; i < count; i++) {
			codes.set(spec.symbols[symbolIndex++] as number, { code, length: index + 1 });
			code++;
		}
		code <<= 1;
	});
	return codes;
}

/** Appends bits MSB first, stuffing a 0x00 after every 0xFF byte as entropy-coded data needs. */
class BitWriter {
	private readonly bytes: number[] = [];
	private current = 0;
	private used = 0;

	write(value: number, length: number): void {
		for (let bit = length - 1; bit >= 0; bit--) {
			this.current = (this.current << 1) | ((value >>> bit) & 1);
			this.used++;
			if (this.used === 8) this.flushByte();
		}
	}

	/** Pads the last byte with 1-bits, as T.81 F.1.2.3 asks. */
	finish(): Buffer {
		if (this.used > 0) this.write(0xff, 8 - this.used);
		return Buffer.from(this.bytes);
	}

	private flushByte(): void {
		this.bytes.push(this.current);
		if (this.current === 0xff) this.bytes.push(0x00);
		this.current = 0;
		this.used = 0;
	}
}

interface ComponentCoder {
	quant: number[];
	dc: Map<number, HuffmanCode>;
	ac: Map<number, HuffmanCode>;
	previousDc: number;
}

/** Number of bits needed for |value| (the JPEG "size" category). */
function magnitudeCategory(value: number): number {
	let magnitude = Math.abs(value);
	let bits = 0;
	while (magnitude > 0) {
		bits++;
		magnitude >>= 1;
	}
	return bits;
}

function writeHuffman(writer: BitWriter, table: Map<number, HuffmanCode>, symbol: number): void {
	const entry = table.get(symbol);
	if (!entry) throw new Error(`No Huffman code for symbol 0x${symbol.toString(16)}`);
	writer.write(entry.code, entry.length);
}

/** Negative values are sent as the one's complement in `size` bits. */
function writeMagnitude(writer: BitWriter, value: number, size: number): void {
	if (size > 0) writer.write(value >= 0 ? value : value - 1 + (1 << size), size);
}

/** Naive 2-D DCT-II of a level-shifted block, quantised and returned in zig-zag order. */
function quantisedDct(block: number[], quant: number[]): number[] {
	const coefficients = new Array<number>(64).fill(0);
	for (let v = 0; v < 8; v++) {
		for (let u = 0; u < 8; u++) {
			let sum = 0;
			for (let y = 0; y < 8; y++) {
				for (let x = 0; x < 8; x++) {
					sum +=
						(block[y * 8 + x] as number) *
						Math.cos(((2 * x + 1) * u * Math.PI) / 16) *
						Math.cos(((2 * y + 1) * v * Math.PI) / 16);
				}
			}
			const cu = u === 0 ? Math.SQRT1_2 : 1;
			const cv = v === 0 ? Math.SQRT1_2 : 1;
			const natural = v * 8 + u;
			coefficients[natural] = Math.round((0.25 * cu * cv * sum) / (quant[natural] as number));
		}
	}
	return ZIGZAG.map((natural) => coefficients[natural] as number);
}

function encodeBlock(writer: BitWriter, block: number[], coder: ComponentCoder): void {
	const zigzag = quantisedDct(block, coder.quant);
	const dc = zigzag[0] as number;
	const difference = dc - coder.previousDc;
	coder.previousDc = dc;
	const dcSize = magnitudeCategory(difference);
	writeHuffman(writer, coder.dc, dcSize);
	writeMagnitude(writer, difference, dcSize);

	let zeroRun = 0;
	for (let k = 1; k < 64; k++) {
		const value = zigzag[k] as number;
		if (value === 0) {
			zeroRun++;
			continue;
		}
		while (zeroRun > 15) {
			writeHuffman(writer, coder.ac, 0xf0); // ZRL: sixteen zeros
			zeroRun -= 16;
		}
		const size = magnitudeCategory(value);
		writeHuffman(writer, coder.ac, (zeroRun << 4) | size);
		writeMagnitude(writer, value, size);
		zeroRun = 0;
	}
	if (zeroRun > 0) writeHuffman(writer, coder.ac, 0x00); // EOB
}

function segment(marker: number, payload: number[]): Buffer {
	const length = payload.length + 2;
	return Buffer.from([0xff, marker, length >> 8, length & 0xff, ...payload]);
}

function huffmanTableSegment(tableClass: 0 | 1, id: number, spec: HuffmanSpec): number[] {
	return [(tableClass << 4) | id, ...spec.counts, ...spec.symbols];
}

/** Encodes a baseline JFIF JPEG. Width and height are padded to whole blocks by edge repetition. */
export function encodeJpeg(
	width: number,
	height: number,
	pixelAt: (x: number, y: number) => Rgb,
): Buffer {
	const clampedPixel = (x: number, y: number): Rgb =>
		pixelAt(Math.min(x, width - 1), Math.min(y, height - 1));
	const coders: ComponentCoder[] = [
		{ quant: LUMA_QUANT, dc: buildCodes(DC_LUMA), ac: buildCodes(AC_LUMA), previousDc: 0 },
		{ quant: CHROMA_QUANT, dc: buildCodes(DC_CHROMA), ac: buildCodes(AC_CHROMA), previousDc: 0 },
		{ quant: CHROMA_QUANT, dc: buildCodes(DC_CHROMA), ac: buildCodes(AC_CHROMA), previousDc: 0 },
	];

	const writer = new BitWriter();
	for (let blockY = 0; blockY < height; blockY += 8) {
		for (let blockX = 0; blockX < width; blockX += 8) {
			const planes: number[][] = [[], [], []];
			for (let y = 0; y < 8; y++) {
				for (let x = 0; x < 8; x++) {
					const [r, g, b] = clampedPixel(blockX + x, blockY + y);
					// JFIF's YCbCr, level-shifted by 128 for the DCT.
					planes[0]?.push(0.299 * r + 0.587 * g + 0.114 * b - 128);
					planes[1]?.push(-0.168736 * r - 0.331264 * g + 0.5 * b);
					planes[2]?.push(0.5 * r - 0.418688 * g - 0.081312 * b);
				}
			}
			coders.forEach((coder, index) => encodeBlock(writer, planes[index] as number[], coder));
		}
	}

	const jfif = [0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0];
	const quantTables = [
		0x00,
		...ZIGZAG.map((natural) => LUMA_QUANT[natural] as number),
		0x01,
		...ZIGZAG.map((natural) => CHROMA_QUANT[natural] as number),
	];
	const frame = [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3];
	frame.push(1, 0x11, 0, 2, 0x11, 1, 3, 0x11, 1); // id, 1x1 sampling, quant table
	const huffmanTables = [
		...huffmanTableSegment(0, 0, DC_LUMA),
		...huffmanTableSegment(1, 0, AC_LUMA),
		...huffmanTableSegment(0, 1, DC_CHROMA),
		...huffmanTableSegment(1, 1, AC_CHROMA),
	];
	// Components 1..3 with (DC, AC) table ids; then spectral selection 0..63, no approximation.
	const scan = [3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0];

	return Buffer.concat([
		Buffer.from([0xff, 0xd8]), // SOI
		segment(0xe0, jfif), // APP0 JFIF 1.01, no density units, no thumbnail
		segment(0xdb, quantTables),
		segment(0xc0, frame), // SOF0 baseline
		segment(0xc4, huffmanTables),
		segment(0xda, scan),
		writer.finish(),
		Buffer.from([0xff, 0xd9]), // EOI
	]);
}
