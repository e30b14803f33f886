import { describe, expect, it } from 'vitest';
import { endOfTurn } from './end-of-turn.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('endOfTurn', () => {
  it('hands over what one turn asked for together, in the order asked, once the turn ends', async () => {
    const batches: number[][] = [];
    const ask = endOfTurn<number>((batch) => batches.push(batch));
    ask(1);
    ask(2);
    ask(3);
    expect(batches).toEqual([]);
    await nextTurn();
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('starts a new batch for what a later turn asks for', async () => {
    const batches: string[][] = [];
    const ask = endOfTurn<string>((batch) => batches.push(batch));
    ask('a');
    await nextTurn();
    ask('b');
    ask('c');
    await nextTurn();
    expect(batches).toEqual([['a'], ['b', 'c']]);
  });

  it('puts what the flush itself asks for in the next batch, not the one being handed over', async () => {
    const batches: number[][] = [];
    const ask = endOfTurn<number>((batch) => {
      batches.push([...batch]);
      if (batch.includes(1)) ask(2);
    });
    ask(1);
    await nextTurn();
    await nextTurn();
    expect(batches).toEqual([[1], [2]]);
  });
});
