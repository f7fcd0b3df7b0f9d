<?php
# The plugin's configuration page: the bridge's webhook URL, the shared secret, the timeout.
access_ensure_global_level( config_get( 'manage_plugin_threshold' ) );

layout_page_header( plugin_lang_get( 'title' ) );
layout_page_begin( 'manage_overview_page.php' );
print_manage_menu( 'manage_plugin_page.php' );
?>
<div class="col-md-12 col-xs-12">
<div class="space-10"></div>
<div class="form-container">
<form action="<?php echo plugin_page( 'config_edit' ) ?>" method="post">
<?php echo form_security_field( 'plugin_ReglamentWebhook_config_edit' ) ?>
<div class="widget-box widget-color-blue2">
<div class="widget-header widget-header-small">
	<h4 class="widget-title lighter"><?php echo plugin_lang_get( 'title' ) ?></h4>
</div>
<div class="widget-body"><div class="widget-main no-padding"><div class="table-responsive">
<table class="table table-bordered table-condensed table-striped">
	<tr>
		<th class="category"><?php echo plugin_lang_get( 'url' ) ?></th>
		<td><input type="url" name="url" size="80" value="<?php echo string_attribute( plugin_config_get( 'url' ) ) ?>" /></td>
	</tr>
	<tr>
		<th class="category"><?php echo plugin_lang_get( 'secret' ) ?></th>
		<td><input type="password" name="secret" size="80" autocomplete="off" placeholder="<?php echo is_blank( plugin_config_get( 'secret' ) ) ? '' : plugin_lang_get( 'secret_kept' ) ?>" /></td>
	</tr>
	<tr>
		<th class="category"><?php echo plugin_lang_get( 'timeout_ms' ) ?></th>
		<td><input type="number" name="timeout_ms" min="100" max="10000" value="<?php echo (int)plugin_config_get( 'timeout_ms' ) ?>" /></td>
	</tr>
</table>
</div></div>
<div class="widget-toolbox padding-8 clearfix">
	<input type="submit" class="btn btn-primary btn-white btn-round" value="<?php echo lang_get( 'change_configuration' ) ?>" />
</div>
</div></div>
</form>
</div>
</div>
<?php
layout_page_end();
