/** PublishLayerVersion, GetLayerVersion(ByArn), ListLayerVersions, ListLayers, DeleteLayerVersion. */
import type {
  DeleteLayerVersionRequest,
  GetLayerVersionByArnRequest,
  GetLayerVersionRequest,
  GetLayerVersionResponse,
  ListLayersRequest,
  ListLayersResponse,
  ListLayerVersionsRequest,
  ListLayerVersionsResponse,
  PublishLayerVersionRequest,
  PublishLayerVersionResponse,
} from '@aws-sdk/client-lambda';
import type { Handler, RequestContext } from '../../service.js';
import { layerArn, parseLayerName, parseLayerVersionArn } from './arns.js';
import { LambdaErrors } from './errors.js';
import { type LambdaService, lambdaTimestamp, offsetPage } from './lambda-service.js';
import type { LayerVersionRecord } from './state.js';

export function layerHandlers(service: LambdaService): Record<string, Handler> {
  const { state } = service;

  function describe(layer: LayerVersionRecord, ctx: RequestContext): GetLayerVersionResponse {
    const out: GetLayerVersionResponse = {
      Content: {
        Location: ctx.cloud.downloads.link(ctx.endpoint, layer.code.blob),
        CodeSha256: layer.code.sha256,
        CodeSize: layer.code.size,
      },
      LayerArn: layerArn(layer.accountId, layer.region, layer.name),
      LayerVersionArn: layerArn(layer.accountId, layer.region, layer.name, layer.version),
      Description: layer.description,
      CreatedDate: lambdaTimestamp(layer.createdAt),
      Version: layer.version,
    };
    if (layer.compatibleRuntimes.length) {
      out.CompatibleRuntimes = layer.compatibleRuntimes as GetLayerVersionResponse['CompatibleRuntimes'];
    }
    if (layer.compatibleArchitectures.length) {
      out.CompatibleArchitectures = layer.compatibleArchitectures as GetLayerVersionResponse['CompatibleArchitectures'];
    }
    if (layer.licenseInfo) out.LicenseInfo = layer.licenseInfo;
    return out;
  }

  function checkVersionNumber(version: number | undefined): number {
    if (version === undefined || version < 1)
      throw LambdaErrors.invalidParameter('Layer Version Cannot be less than 1');
    return version;
  }

  function get(accountId: string, region: string, name: string, version: number): LayerVersionRecord {
    const layer = state.getLayerVersion(accountId, region, name, version);
    if (!layer) throw LambdaErrors.notFound('The resource you requested does not exist.');
    return layer;
  }

  return {
    async PublishLayerVersion(
      input: PublishLayerVersionRequest,
      ctx: RequestContext,
    ): Promise<PublishLayerVersionResponse> {
      const { accountId, region, name } = parseLayerName(input.LayerName ?? '', ctx);
      const code = await service.code.store(input.Content, ctx.accountId);
      try {
        const layer = state.transaction(() => {
          const record: LayerVersionRecord = {
            accountId,
            region,
            name,
            version: state.takeLayerVersion(accountId, region, name),
            description: input.Description ?? '',
            compatibleRuntimes: input.CompatibleRuntimes ?? [],
            compatibleArchitectures: input.CompatibleArchitectures ?? [],
            licenseInfo: input.LicenseInfo,
            code,
            createdAt: service.now(),
          };
          state.putLayerVersion(record);
          return record;
        });
        return describe(layer, ctx);
      } catch (error) {
        service.releaseCode(code.blob);
        throw error;
      }
    },

    GetLayerVersion(input: GetLayerVersionRequest, ctx: RequestContext): GetLayerVersionResponse {
      const { accountId, region, name } = parseLayerName(input.LayerName ?? '', ctx);
      return describe(get(accountId, region, name, checkVersionNumber(input.VersionNumber)), ctx);
    },

    GetLayerVersionByArn(input: GetLayerVersionByArnRequest, ctx: RequestContext): GetLayerVersionResponse {
      const parsed = parseLayerVersionArn(input.Arn ?? '');
      if (!parsed) throw LambdaErrors.notFound('The resource you requested does not exist.');
      return describe(get(parsed.accountId, parsed.region, parsed.name, checkVersionNumber(parsed.version)), ctx);
    },

    ListLayerVersions(input: ListLayerVersionsRequest, ctx: RequestContext): ListLayerVersionsResponse {
      const { accountId, region, name } = parseLayerName(input.LayerName ?? '', ctx);
      const all = state
        .listLayerVersions(accountId, region, name)
        .filter((l) => !input.CompatibleRuntime || l.compatibleRuntimes.includes(input.CompatibleRuntime))
        .filter(
          (l) => !input.CompatibleArchitecture || l.compatibleArchitectures.includes(input.CompatibleArchitecture),
        );
      const page = offsetPage(all, input.Marker, input.MaxItems);
      return {
        LayerVersions: page.items.map((l) => {
          const { Content: _content, LayerArn: _arn, ...item } = describe(l, ctx);
          return item;
        }),
        ...(page.nextMarker ? { NextMarker: page.nextMarker } : {}),
      };
    },

    ListLayers(input: ListLayersRequest, ctx: RequestContext): ListLayersResponse {
      const all = state
        .listLatestLayers(ctx.accountId, ctx.region)
        .filter((l) => !input.CompatibleRuntime || l.compatibleRuntimes.includes(input.CompatibleRuntime));
      const page = offsetPage(all, input.Marker, input.MaxItems);
      return {
        Layers: page.items.map((l) => {
          const { Content: _content, LayerArn, ...latest } = describe(l, ctx);
          return { LayerName: l.name, LayerArn, LatestMatchingVersion: latest };
        }),
        ...(page.nextMarker ? { NextMarker: page.nextMarker } : {}),
      };
    },

    DeleteLayerVersion(input: DeleteLayerVersionRequest, ctx: RequestContext): Record<string, never> {
      const { accountId, region, name } = parseLayerName(input.LayerName ?? '', ctx);
      const version = checkVersionNumber(input.VersionNumber);
      const layer = state.getLayerVersion(accountId, region, name, version);
      // Deleting a missing layer version succeeds, as on AWS.
      if (layer) state.deleteLayerVersion(accountId, region, name, version);
      return {};
    },
  };
}
