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
import { Deprecation, DeprecationPayload, DeprecationProject, DeprecationSnapshot } from './Deprecation.ts';
import { ModelVersion } from './ModelVersion.ts';
import { Project } from './Project.ts';
import { Mutation } from './Mutation.ts';
import { Query } from './Query.ts';
import { Caller, Candidate, Release, ReleasePayload, ReleaseTargetState, TargetComparison } from './Release.ts';
import { ReleaseTarget } from './ReleaseTarget.ts';

export const resolvers: Resolvers = {
  DateTime,
  Query,
  Mutation,
  Release,
  ReleasePayload,
  Deprecation,
  DeprecationPayload,
  DeprecationProject,
  DeprecationSnapshot,
  ReleaseTargetState,
  Caller,
  TargetComparison,
  Candidate,
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
