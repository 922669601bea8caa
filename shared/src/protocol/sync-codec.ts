import { MessageType, SyncStep } from './sync-protocol';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** A decoded `y` message. */
export type SyncMessage =
  | { kind: 'step1'; stateVector: Uint8Array }
  | { kind: 'update'; step: 'step2' | 'update'; update: Uint8Array }
  | { kind: 'awareness'; update: Uint8Array };

/** Decodes a y-protocols message (as y-websocket frames it); throws on anything malformed. */
export function decodeSyncMessage(data: Uint8Array): SyncMessage {
  const decoder = decoding.createDecoder(data);
  const type = decoding.readVarUint(decoder);
  let message: SyncMessage;
  if (type === MessageType.sync) {
    const step = decoding.readVarUint(decoder);
    const payload = decoding.readVarUint8Array(decoder);
    if (step === SyncStep.step1) message = { kind: 'step1', stateVector: payload };
    else if (step === SyncStep.step2) message = { kind: 'update', step: 'step2', update: payload };
    else if (step === SyncStep.update) message = { kind: 'update', step: 'update', update: payload };
    else throw new Error(`unknown sync step ${step}`);
  } else if (type === MessageType.awareness) {
    message = { kind: 'awareness', update: decoding.readVarUint8Array(decoder) };
  } else {
    throw new Error(`unknown message type ${type}`);
  }
  if (decoding.hasContent(decoder)) throw new Error('trailing bytes after message');
  return message;
}

export function encodeSyncStep1(stateVector: Uint8Array): Uint8Array {
  return encodeFrame(MessageType.sync, SyncStep.step1, stateVector);
}

export function encodeSyncStep2(update: Uint8Array): Uint8Array {
  return encodeFrame(MessageType.sync, SyncStep.step2, update);
}

export function encodeSyncUpdate(update: Uint8Array): Uint8Array {
  return encodeFrame(MessageType.sync, SyncStep.update, update);
}

export function encodeAwarenessMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.awareness);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

function encodeFrame(type: number, step: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, type);
  encoding.writeVarUint(encoder, step);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}
