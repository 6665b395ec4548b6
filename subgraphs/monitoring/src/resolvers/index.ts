import { DateTime } from '@mlops/kit';
import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { Alert } from './Alert.ts';
import { Deployment } from './Deployment.ts';
import { Health, MetricSeries } from './Health.ts';
import { ModelVersion } from './ModelVersion.ts';
import { Query } from './Query.ts';
import { ReleaseTarget } from './ReleaseTarget.ts';

export const resolvers: Resolvers = { DateTime, Query, Alert, Deployment, Health, MetricSeries, ModelVersion, ReleaseTarget };
