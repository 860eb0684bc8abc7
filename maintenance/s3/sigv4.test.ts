import { describe, expect, it } from 'vitest';
import { EMPTY_SHA256, encodeSegment, signS3 } from './sigv4.js';

// AWS's own worked example (Amazon S3 API reference, "Signature Calculations for the Authorization Header:
// Transferring Payload in a Single Chunk", example GET Object): its credentials, request and signature.
const example = {
  region: 'us-east-1',
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};

describe('signS3 (AWS Signature Version 4)', () => {
  it('signs AWS’s GET Object example to the signature AWS gives', () => {
    const headers = signS3(
      example,
      {
        method: 'GET',
        path: '/test.txt',
        host: 'examplebucket.s3.amazonaws.com',
        headers: { range: 'bytes=0-9' },
        payloadHash: EMPTY_SHA256,
      },
      new Date('2013-05-24T00:00:00Z'),
    );
    expect(headers['x-amz-date']).toBe('20130524T000000Z');
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, ' +
        'SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, ' +
        'Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
  });

  it('encodes a key segment as S3 does: unreserved characters kept, the rest %XX', () => {
    expect(encodeSegment('report (1).pdf')).toBe('report%20%281%29.pdf');
    expect(encodeSegment('a-b_c.d~e')).toBe('a-b_c.d~e');
  });
});
