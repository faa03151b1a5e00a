import { describe, expect } from 'vitest';
import { fresh, fullProblem, itDiverging, rejection, type StoreContractHarness } from './store-harness.js';

/**
 * StateStore keys outside what the manifests allow (package and check names are [a-z0-9-]; targets are host names
 * or instance ids), where the stores have been found to differ (KNOWN_DIVERGENCES).
 */
export function describeStateKeyEdgeCasesContract(name: string, harness: StoreContractHarness): void {
  describe(`${name} state key edge cases (contract)`, () => {
    itDiverging(
      harness,
      'utf16-key-order',
      'lists states with names beyond the BMP in code point order',
      async (divergent) => {
        const { state } = await harness.open();
        // U+FF01 (fullwidth !) < U+1F600 (emoji) as code points and as UTF-8 bytes; UTF-16 has them the other way.
        for (const target of ['\u{1F600}', '\uFF01', 'a']) {
          await state.save(fresh({ package: 'p', check: 'c', target }), 0);
        }
        const order = divergent ? ['a', '\u{1F600}', '\uFF01'] : ['a', '\uFF01', '\u{1F600}'];
        expect((await state.listStates()).map((s) => s.key.target)).toEqual(order);
      },
    );

    itDiverging(
      harness,
      'escaped-key-order',
      'orders problems opened at the same time by their names, whatever characters they hold',
      async (divergent) => {
        const { state } = await harness.open();
        const problem = fullProblem();
        // '#' < '$' as characters; escaped ('#' -> '%23') the order flips, as '%' > '$'.
        for (const target of ['h$', 'h#']) {
          await state.save({ ...fresh({ package: 'p', check: 'c', target }), problem }, 0);
        }
        const order = divergent ? ['h$', 'h#'] : ['h#', 'h$'];
        expect((await state.openProblems()).map((p) => p.key.target)).toEqual(order);
        expect((await state.listStates()).map((s) => s.key.target)).toEqual(['h#', 'h$']);
      },
    );

    itDiverging(
      harness,
      'lenient-empty-names',
      'refuses a key with an empty name with its store error',
      async (divergent) => {
        const { state } = await harness.open();
        const key = { package: 'p', check: 'c', target: '' };
        if (divergent) {
          expect(await state.save(fresh(key), 0)).toMatchObject({ key, version: 1 });
          expect(await state.load(key)).toMatchObject({ key, version: 1 });
          return;
        }
        expect(await rejection(state.save(fresh(key), 0))).toBeInstanceOf(harness.storeError);
        expect(await state.listStates()).toEqual([]);
      },
    );
  });
}
