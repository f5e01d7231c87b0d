// View models of the dashboard's overview (built by db/overview.ts).
export type DayPoint = { day: string; abandoned: number; recovered: number }
export type Funnel = {
  abandoned: number
  messaged: number
  clicked: number
  restored: number
  recovered: number
}
