/**
 * One structured CloudEvent (JSON format, CloudEvents 1.0) read by the scanner: required and typed
 * attributes validated, `partitionkey` as the record key, `time` as the record timestamp, and the
 * event's exact bytes as the record value.
 */

import { eventTime, isAttributeName, isBase64 } from './cloud-event-attributes.ts';
import type { JsonScanner } from './json-scanner.ts';
import {
  ascii,
  type BodyLimits,
  eventInvalid,
  eventTooLarge,
  kindText,
  type ParsedHeader,
  type ParsedRecord,
} from './parsed-record.ts';

/** The headers of every record stored from a CloudEvent. Shared by all such records: never mutate. */
export const CLOUD_EVENT_HEADERS: ParsedHeader[] = Object.freeze([
  Object.freeze({ key: 'content-type', value: Buffer.from('application/cloudevents+json') }),
]) as unknown as ParsedHeader[];

const SPECVERSION = 1;
const ID = 2;
const SOURCE = 4;
const TYPE = 8;
const TIME = 16;
const SUBJECT = 32;
const DATACONTENTTYPE = 64;
const DATASCHEMA = 128;
const DATA = 256;
const DATA_BASE64 = 512;
const PARTITIONKEY = 1024;
const REQUIRED = [SPECVERSION, ID, SOURCE, TYPE];
const REQUIRED_MASK = SPECVERSION | ID | SOURCE | TYPE;

const NAMES = new Map<number, string>([
  [SPECVERSION, 'specversion'],
  [ID, 'id'],
  [SOURCE, 'source'],
  [TYPE, 'type'],
  [TIME, 'time'],
  [SUBJECT, 'subject'],
  [DATACONTENTTYPE, 'datacontenttype'],
  [DATASCHEMA, 'dataschema'],
  [DATA, 'data'],
  [DATA_BASE64, 'data_base64'],
  [PARTITIONKEY, 'partitionkey'],
]);
const BY_NAME = new Map([...NAMES].map(([bit, name]) => [name, bit]));
const N = new Map([...NAMES].map(([bit, name]) => [bit, ascii(name)]));
const N_ID = N.get(ID)!;
const N_TYPE = N.get(TYPE)!;
const N_TIME = N.get(TIME)!;
const N_DATA = N.get(DATA)!;
const N_SOURCE = N.get(SOURCE)!;
const N_SUBJECT = N.get(SUBJECT)!;
const N_DATASCHEMA = N.get(DATASCHEMA)!;
const N_SPECVERSION = N.get(SPECVERSION)!;
const N_DATA_BASE64 = N.get(DATA_BASE64)!;
const N_PARTITIONKEY = N.get(PARTITIONKEY)!;
const N_DATACONTENTTYPE = N.get(DATACONTENTTYPE)!;
const V1_0 = ascii('1.0');

function attributeBit(sc: JsonScanner): number {
  if (sc.strEscaped) return BY_NAME.get(sc.text()) ?? 0;
  switch (sc.strEnd - sc.strStart) {
    case 2:
      return sc.nameIs(N_ID) ? ID : 0;
    case 4: {
      // One comparison picks the candidate; nameIs confirms it.
      const second = sc.buf[sc.strStart + 1];
      if (second === 0x79) return sc.nameIs(N_TYPE) ? TYPE : 0;
      if (second === 0x69) return sc.nameIs(N_TIME) ? TIME : 0;
      return sc.nameIs(N_DATA) ? DATA : 0;
    }
    case 6:
      return sc.nameIs(N_SOURCE) ? SOURCE : 0;
    case 7:
      return sc.nameIs(N_SUBJECT) ? SUBJECT : 0;
    case 10:
      return sc.nameIs(N_DATASCHEMA) ? DATASCHEMA : 0;
    case 11:
      if (sc.buf[sc.strStart] === 0x73) return sc.nameIs(N_SPECVERSION) ? SPECVERSION : 0;
      return sc.nameIs(N_DATA_BASE64) ? DATA_BASE64 : 0;
    case 12:
      return sc.nameIs(N_PARTITIONKEY) ? PARTITIONKEY : 0;
    case 15:
      return sc.nameIs(N_DATACONTENTTYPE) ? DATACONTENTTYPE : 0;
    default:
      return 0;
  }
}

/** Reads the structured CloudEvent at the scanner's position as event `index` of the body. */
export function scanCloudEvent(sc: JsonScanner, index: number, limits: BodyLimits): ParsedRecord {
  const kind = sc.peek();
  if (kind !== 'object') throw eventInvalid(index, `a CloudEvent must be an object, found ${kindText(kind)}`);
  const start = sc.pos;
  sc.enterObject();
  let seen = 0;
  let present = 0;
  let key: Buffer | null = null;
  let timestamp: number | undefined;
  while (sc.nextMember()) {
    const bit = attributeBit(sc);
    if (bit === 0) {
      scanExtension(sc, index);
      continue;
    }
    if ((seen & bit) !== 0) throw eventInvalid(index, `attribute '${NAMES.get(bit)}' appears twice`);
    seen |= bit;
    const k = sc.peek();
    // In the JSON format an attribute set to null is the same as an absent one.
    if (k === 'null' || bit === DATA) {
      sc.skipValue();
      if (k !== 'null') present |= bit;
      continue;
    }
    if (k !== 'string')
      throw eventInvalid(index, `'${NAMES.get(bit)}' must be a string, found ${kindText(k)}`);
    sc.readString();
    present |= bit;
    if (bit === SPECVERSION) {
      if (!sc.nameIs(V1_0))
        throw eventInvalid(index, `'specversion' must be "1.0", found ${JSON.stringify(sc.text())}`);
    } else if (bit === ID || bit === SOURCE || bit === TYPE || bit === DATASCHEMA) {
      if (sc.strEnd === sc.strStart) throw eventInvalid(index, `'${NAMES.get(bit)}' must not be empty`);
    } else if (bit === TIME) {
      if (sc.strEscaped) {
        const bytes = sc.textBytes();
        timestamp = eventTime(index, bytes, 0, bytes.length);
      } else timestamp = eventTime(index, sc.buf, sc.strStart, sc.strEnd);
    } else if (bit === PARTITIONKEY) {
      key = sc.textBytes();
    } else if (bit === DATA_BASE64) {
      const bytes = sc.textBytes();
      if (!isBase64(bytes, 0, bytes.length)) throw eventInvalid(index, "'data_base64' must be padded base64");
    }
  }
  if ((present & REQUIRED_MASK) !== REQUIRED_MASK) {
    const missing = REQUIRED.find((bit) => (present & bit) === 0)!;
    throw eventInvalid(index, `it has no '${NAMES.get(missing)}' (a required attribute)`);
  }
  if ((present & DATA) !== 0 && (present & DATA_BASE64) !== 0) {
    throw eventInvalid(index, "'data' and 'data_base64' cannot both be present");
  }
  const value = sc.buf.subarray(start, sc.pos);
  if (value.length > limits.maxEventBytes) throw eventTooLarge(index, value.length, limits.maxEventBytes);
  return { key, value, headers: CLOUD_EVENT_HEADERS, partition: undefined, timestamp };
}

function scanExtension(sc: JsonScanner, index: number): void {
  const bytes = sc.strEscaped ? sc.textBytes() : sc.buf;
  const ok = sc.strEscaped
    ? isAttributeName(bytes, 0, bytes.length)
    : isAttributeName(bytes, sc.strStart, sc.strEnd);
  if (!ok) {
    const name = JSON.stringify(sc.text());
    throw eventInvalid(index, `attribute name ${name} must be lowercase letters a-z and digits only`);
  }
  const k = sc.peek();
  if (k === 'object' || k === 'array') {
    throw eventInvalid(
      index,
      `extension attribute '${sc.text()}' must be a string, number or boolean, found ${kindText(k)}`,
    );
  }
  sc.skipValue();
}
