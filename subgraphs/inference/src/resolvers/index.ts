import { DateTime } from '@mlops/kit';
import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { Deployment } from './Deployment.ts';
import { ModelVersion } from './ModelVersion.ts';
import { Project } from './Project.ts';
import { Query } from './Query.ts';
import { ReleaseTarget } from './ReleaseTarget.ts';

export const resolvers: Resolvers = { DateTime, Query, Deployment, ReleaseTarget, ModelVersion, Project };
