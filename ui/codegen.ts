/**
 * Typed GraphQL for the explorer: the client preset reads the client-facing schema the gateway
 * serves (../schema/api.graphql) and every `graphql(...)` document under app/, components/ and
 * lib/, and writes ui/gql/ (committed; `npm run codegen:check -w ui` fails when it drifts).
 */
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: '../schema/api.graphql',
  documents: ['app/**/*.{ts,tsx}', 'components/**/*.{ts,tsx}', 'lib/**/*.{ts,tsx}'],
  ignoreNoDocuments: true,
  generates: {
    './gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: { unmaskFunctionName: 'getFragmentData' } },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        skipTypename: false,
        scalars: { DateTime: 'string' },
        avoidOptionals: false,
      },
    },
  },
  hooks: {},
};

export default config;
