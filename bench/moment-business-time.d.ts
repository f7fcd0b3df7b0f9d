// The methods moment-business-time adds to moment (the package ships no types).
import "moment";

declare module "moment" {
  interface Moment {
    addWorkingTime(amount: number, unit: "minutes" | "hours"): Moment;
    workingDiff(other: Moment, unit: "minutes" | "hours"): number;
  }
}
