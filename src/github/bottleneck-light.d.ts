// The throttling plugin runs on Bottleneck's light build; the package only
// types its full build, whose API the light build shares.
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck'
  export default Bottleneck
}
