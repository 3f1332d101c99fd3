/** @module Props of Icon. */
export interface IconProps {
  /** One of the built-in names (grip, copy, trash, plus, x, alert, info, check, share, upload, download, play, save, power, arrow, tag, radio, file). */
  name: string
  size?: number
  /** Accessible title; without it the icon is decorative. */
  title?: string
}
