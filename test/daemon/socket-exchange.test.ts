import { describe, expect, it } from 'vitest';
import { parseAnswer } from '../../src/daemon/socket-exchange.js';

const answer = (text: string) => parseAnswer(Buffer.from(text, 'latin1'));

describe('parseAnswer: the control client reads an HTTP answer whole, or says it was cut off', () => {
  it('reads a body of Content-Length bytes, in UTF-8', () => {
    const body = '{"name":"é"}\n';
    const bytes = Buffer.byteLength(body);
    expect(parseAnswer(Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${bytes}\r\n\r\n${body}`))).toEqual({
      status: 200,
      body,
    });
  });

  it('reads a chunked body', () => {
    expect(
      answer(
        'HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{"a\r\n4\r\n":1}\r\n0\r\n\r\n',
      ),
    ).toEqual({
      status: 400,
      body: '{"a":1}',
    });
  });

  it('says cut off: no end of the head, a short body, a chunked body without its last chunk', () => {
    expect(answer('HTTP/1.1 200 OK\r\nContent-Length: 2')).toBeUndefined();
    expect(answer('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}')).toBeUndefined();
    expect(answer('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n')).toBeUndefined();
    expect(answer('garbage\r\n\r\n{}')).toBeUndefined();
  });
});
