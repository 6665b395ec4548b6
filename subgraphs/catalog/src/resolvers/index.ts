import { DateTime } from '@mlops/kit';
import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { Dataset } from './Dataset.ts';
import { DatasetVersion } from './DatasetVersion.ts';
import { Query } from './Query.ts';

export const resolvers: Resolvers = { DateTime, Query, Dataset, DatasetVersion };
