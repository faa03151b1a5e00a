import { describe, expect, it } from 'vitest';
import { zodNamespaceImports } from '../src/zod-namespace-imports.js';

describe('zodNamespaceImports', () => {
  it.each([
    ["import { z } from 'zod';", "import * as z from 'zod';"],
    ['import {z} from "zod"', 'import * as z from "zod";'],
    ["import { ZodError, z } from 'zod';", "import * as z from 'zod'; import { ZodError } from 'zod';"],
    [
      "import { type ZodType, z } from 'zod';",
      "import * as z from 'zod'; import { type ZodType } from 'zod';",
    ],
    [
      "import {\n  z,\n  ZodError,\n} from 'zod';",
      "import * as z from 'zod'; import { ZodError } from 'zod';",
    ],
    ["import type { z } from 'zod';", "import type { z } from 'zod';"],
    ["import { ZodError } from 'zod';", "import { ZodError } from 'zod';"],
    ["import { z as zod } from 'zod';", "import { z as zod } from 'zod';"],
    ["import { z } from 'zod/mini';", "import { z } from 'zod/mini';"],
    ["import { z } from 'zodiac';", "import { z } from 'zodiac';"],
    ["import { zz } from 'zod';", "import { zz } from 'zod';"],
  ])('%j -> %j', (source, expected) => {
    expect(zodNamespaceImports(source)).toBe(expected);
  });

  it('rewrites every named import of z in a file and leaves the rest of the text alone', () => {
    const source =
      "import { z } from 'zod';\nconst a = z.string();\nimport { ZodError, z as y } from 'zod';\n";
    expect(zodNamespaceImports(source)).toBe(
      "import * as z from 'zod';\nconst a = z.string();\nimport { ZodError, z as y } from 'zod';\n",
    );
  });
});
