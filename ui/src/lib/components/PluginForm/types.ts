/** @module Props of the plugin settings form and its parts. */
import type { ConfigElement } from '../../../../../engine/config/model.ts'
import type { PluginSchema } from '../../../../../engine/config/schema.ts'
import type { ElementPath } from '../../../../../engine/preview/types.ts'
import type { FieldModel } from '../../config/forms.ts'

/** The edits a form can make, addressed by element path. */
export interface FormActions {
  set(path: ElementPath, key: string, value: string | null): void
  rename(path: ElementPath, from: string, to: string): void
  setArg(path: ElementPath, arg: string): void
  addSection(path: ElementPath, name: string, params?: Record<string, string>): void
  remove(path: ElementPath): void
  changeType(path: ElementPath, type: string): void
}

export interface PluginFormProps {
  element: ConfigElement
  path: ElementPath
  /** null when the plugin is unknown (params are then shown as written). */
  schema: PluginSchema | null
  actions: FormActions
  depth?: number
}

export interface ParamFieldProps {
  field: FieldModel
  onChange(value: string | null): void
  /** Free-form params (e.g. `<record>` keys) can be renamed and removed. */
  onRename?(to: string): void
  onRemove?(): void
}
