import { DateTime } from '@mlops/kit';
import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { DatasetUsage, DatasetVersion } from './DatasetVersion.ts';
import {
  DatasetTargetCount,
  DeploymentSpan,
  DeprecationImpact,
  DerivedModel,
  ImpactTarget,
  PendingRelease,
  ProjectImpact,
  ReuseEntry,
  TrainedOnEntry,
} from './Lineage.ts';
import { ModelVersion } from './ModelVersion.ts';
import { Project } from './Project.ts';
import { Query } from './Query.ts';
import { ReleaseTarget } from './ReleaseTarget.ts';

export const resolvers: Resolvers = {
  DateTime,
  Query,
  Project,
  ReleaseTarget,
  ModelVersion,
  DatasetVersion,
  DatasetUsage,
  DatasetTargetCount,
  DeploymentSpan,
  DeprecationImpact,
  DerivedModel,
  ImpactTarget,
  PendingRelease,
  ProjectImpact,
  ReuseEntry,
  TrainedOnEntry,
};
