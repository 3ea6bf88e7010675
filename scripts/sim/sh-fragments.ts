/**
 * Pieces of sh that the simulated start scripts share (start-script.ts for MI and API-M, carbon5-script.ts for
 * the Carbon 5 runtimes): the real scripts share them too, being one Carbon template.
 */

/** Sets `self` to the script's own file, following symlinks, so that a linked script still finds its home. */
export const selfLocation = `# The script's own file, following symlinks so that a linked script still finds its home.
self=$0
while [ -h "$self" ]; do
  target=$(readlink "$self")
  case $target in
    /*) self=$target ;;
    *) self=$(dirname "$self")/$target ;;
  esac
done
`;

/** java from $JAVACMD, else $JAVA_HOME/bin/java; not executable, or JAVACMD without JAVA_HOME: exit 1. */
export const javaLookup = `if [ -z "$JAVACMD" ]; then
  if [ -n "$JAVA_HOME" ]; then
    JAVACMD="$JAVA_HOME/bin/java"
  else
    JAVACMD=java
  fi
fi
if [ ! -x "$JAVACMD" ]; then
  echo "Error: JAVA_HOME is not defined correctly."
  echo " CARBON cannot execute $JAVACMD"
  exit 1
fi
if [ -z "$JAVA_HOME" ]; then
  echo "You must set the JAVA_HOME variable before running CARBON."
  exit 1
fi
`;

/** Sorts the arguments into `command` (run, start, stop, restart) and `others`, split on blanks. */
export const controlWords = `command=run
others=
for arg in $*; do
  case $arg in
    start | -start | --start) command=start ;;
    stop | -stop | --stop) command=stop ;;
    restart | -restart | --restart) command=restart ;;
    *) others="$others $arg" ;;
  esac
done
`;

/** `jdk`: the JDK version as major * 100 + minor ("17.0.10" -> 1700, "1.8.0_412" -> 108). */
export const jdkVersion = `jdk=$("$JAVACMD" -version 2>&1 | awk -F '"' '/version/ { split($2, part, "."); print part[1] * 100 + part[2]; exit }')
`;
