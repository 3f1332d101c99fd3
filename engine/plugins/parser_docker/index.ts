/**
 * @module parser_docker (`@type docker`): Docker json-file lines (docker.ts), joined across the
 * 16 KiB splits by `newStream()` (stream.ts).
 */

import { parserEnv, withDefaults } from '../../parser/common.ts'
import type { ParserPlugin, PluginSpec } from '../../plugin.ts'
import { type ParserDockerConfig, parserDockerDescriptor } from '../../schemas/parser_docker.ts'
import { DockerParser } from './docker.ts'

export const parserDocker: PluginSpec<'parser', ParserDockerConfig> = {
  ...parserDockerDescriptor,
  create(ctx, config): ParserPlugin {
    config = withDefaults(parserDockerDescriptor.schema, config)
    return new DockerParser(config, parserEnv(ctx))
  },
}
