/**
 * What every page of the signed-in console shares: the API client, the key (`GET /v1/me`),
 * the model in force (`GET /v1/model`) and what the key may grant, worked out once.
 */
import { createContext, useContext } from 'react';
import type { Api, MeObject, ModelDescriptionObject } from './api';
import type { Grantor } from '../../src/api/grants.js';

export interface ConsoleData {
  readonly api: Api;
  readonly me: MeObject;
  readonly model: ModelDescriptionObject;
  readonly grantor: Grantor;
  /** The tenant the pages work in: the key's own, or the one root picked. */
  readonly tenantId: string;
  /** The signed-in key was rotated from this session: carry on with its new secret. */
  readonly onOwnKeyRotated: (secret: string) => void;
  readonly onOwnKeyRevoked: () => void;
}

export const ConsoleContext = createContext<ConsoleData | null>(null);

export function useConsole(): ConsoleData {
  const data = useContext(ConsoleContext);
  if (data === null) throw new Error('useConsole outside the signed-in console');
  return data;
}
