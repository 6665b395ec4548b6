import { DateTime } from '@mlops/kit';
import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { ModelVersion } from './ModelVersion.ts';
import { Query } from './Query.ts';
import { TrainingRun } from './TrainingRun.ts';

export const resolvers: Resolvers = { DateTime, Query, ModelVersion, TrainingRun };
