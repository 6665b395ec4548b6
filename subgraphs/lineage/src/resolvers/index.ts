import { DateTime } from '@mlops/kit';
import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { Project } from './Project.ts';
import { Query } from './Query.ts';
import { ReleaseTarget } from './ReleaseTarget.ts';

export const resolvers: Resolvers = { DateTime, Query, Project, ReleaseTarget };
